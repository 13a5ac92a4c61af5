// The web dashboard's page as compiled into tendd: the whole file, and a
// page that loads nothing from outside and writes no app data as HTML.
#include "daemon/http/dashboard_page.h"

#include <doctest/doctest.h>

#include <string>

using namespace tend;

TEST_CASE("the dashboard page is compiled in whole") {
    std::string_view page = dashboard_html();
    CHECK(page.starts_with("<!doctype html>"));
    CHECK(page.ends_with("</html>\n"));
    CHECK(page.find('\0') == std::string_view::npos);
}

TEST_CASE("the dashboard page fetches nothing from outside and parses no data as HTML") {
    std::string_view page = dashboard_html();
    // The only URL in it is SVG's namespace name, which nothing fetches.
    std::string_view svg_namespace = "http://www.w3.org/2000/svg";
    for (std::string_view scheme : {"http://", "https://", "//cdn", "@import", "url("}) {
        for (std::size_t at = page.find(scheme); at != std::string_view::npos;
             at = page.find(scheme, at + 1))
            CHECK_MESSAGE(page.substr(at).starts_with(svg_namespace),
                          "found " << page.substr(at, 60));
    }
    CHECK(page.find("<script src") == std::string_view::npos);
    CHECK(page.find("<link rel=\"stylesheet\"") == std::string_view::npos);
    CHECK(page.find("innerHTML") == std::string_view::npos);
    CHECK(page.find("insertAdjacentHTML") == std::string_view::npos);
    CHECK(page.find("default-src 'none'") != std::string_view::npos);  // the CSP says so too
}
