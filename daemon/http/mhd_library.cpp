// dlopen and dlsym for libmicrohttpd (see mhd_library.h).
#include "daemon/http/mhd_library.h"

#include <dlfcn.h>

#include <string>

#include "common/errors.h"

#ifndef TEND_MHD_SONAME
#define TEND_MHD_SONAME "libmicrohttpd.so.12"
#endif

namespace tend {
namespace {

[[noreturn]] void mhd_load_failed(const std::string& what) {
    const char* why = ::dlerror();
    throw TendError(ErrorCode::kInternal, "cannot serve HTTP: " + what + ": " +
                                              (why ? why : std::string("unknown error")));
}

template <typename F>
void mhd_symbol(void* library, const char* name, F& out) {
    void* symbol = ::dlsym(library, name);
    if (!symbol) mhd_load_failed(std::string("looking up ") + name);
    out = reinterpret_cast<F>(symbol);
}

}  // namespace

MhdLibrary MhdLibrary::load() {
    // RTLD_NODELETE: the handle is dropped on purpose (see the header); a
    // second load finds the library already there.
    void* library = ::dlopen(TEND_MHD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!library) mhd_load_failed(std::string("loading ") + TEND_MHD_SONAME);
    MhdLibrary m;
    mhd_symbol(library, "MHD_start_daemon", m.start_daemon);
    mhd_symbol(library, "MHD_stop_daemon", m.stop_daemon);
    mhd_symbol(library, "MHD_run", m.run);
    mhd_symbol(library, "MHD_get_timeout", m.get_timeout);
    mhd_symbol(library, "MHD_get_daemon_info", m.get_daemon_info);
    mhd_symbol(library, "MHD_suspend_connection", m.suspend_connection);
    mhd_symbol(library, "MHD_resume_connection", m.resume_connection);
    mhd_symbol(library, "MHD_lookup_connection_value", m.lookup_connection_value);
    mhd_symbol(library, "MHD_get_connection_values", m.get_connection_values);
    mhd_symbol(library, "MHD_create_response_from_buffer", m.create_response_from_buffer);
    mhd_symbol(library, "MHD_create_response_from_callback", m.create_response_from_callback);
    mhd_symbol(library, "MHD_add_response_header", m.add_response_header);
    mhd_symbol(library, "MHD_queue_response", m.queue_response);
    mhd_symbol(library, "MHD_destroy_response", m.destroy_response);
    return m;
}

}  // namespace tend
