// libmicrohttpd, loaded with dlopen when a daemon first serves HTTP rather
// than linked into tendd: the library and the gnutls (with p11-kit, nettle,
// gmp...) it pulls in cost every daemon about 3 MB of RSS at start-up,
// their pages and gnutls's own initialisation, and most daemons serve no
// HTTP. Only the functions http_server.cpp calls are looked up.
#pragma once

#include <microhttpd.h>

namespace tend {

struct MhdLibrary {
    decltype(&::MHD_start_daemon) start_daemon = nullptr;
    decltype(&::MHD_stop_daemon) stop_daemon = nullptr;
    decltype(&::MHD_run) run = nullptr;
    decltype(&::MHD_get_timeout) get_timeout = nullptr;
    decltype(&::MHD_get_daemon_info) get_daemon_info = nullptr;
    decltype(&::MHD_suspend_connection) suspend_connection = nullptr;
    decltype(&::MHD_resume_connection) resume_connection = nullptr;
    decltype(&::MHD_lookup_connection_value) lookup_connection_value = nullptr;
    decltype(&::MHD_get_connection_values) get_connection_values = nullptr;
    decltype(&::MHD_create_response_from_buffer) create_response_from_buffer = nullptr;
    decltype(&::MHD_create_response_from_callback) create_response_from_callback = nullptr;
    decltype(&::MHD_add_response_header) add_response_header = nullptr;
    decltype(&::MHD_queue_response) queue_response = nullptr;
    decltype(&::MHD_destroy_response) destroy_response = nullptr;

    // Loads the library (its soname, as found at build time) and looks up
    // every function above. It is never unloaded: unloading gnutls while the
    // process lives is not something it supports, and a daemon that served
    // HTTP once may serve it again. Throws TendError naming what failed.
    static MhdLibrary load();
};

}  // namespace tend
