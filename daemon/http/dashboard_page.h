// The web dashboard's page (share/dashboard/index.html), compiled into tendd:
// the build reads the file into a generated source (cmake/EmbedFile.cmake),
// so the daemon serves it with no file to find at run time.
#pragma once

#include <string_view>

namespace tend {

// The whole page: HTML with its CSS and JS inline (text/html; charset=utf-8).
std::string_view dashboard_html();

}  // namespace tend
