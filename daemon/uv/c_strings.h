// The argv and envp arrays uv_spawn wants, with the strings they point into.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tend::uv {

struct CStrings {
    std::vector<std::string> storage;
    std::vector<char*> pointers;

    // "KEY=VALUE" strings of an environment.
    static CStrings from_env(const std::map<std::string, std::string>& env) {
        CStrings out;
        for (const auto& [key, value] : env) out.storage.push_back(key + "=" + value);
        return out;
    }

    // The null-terminated array; valid while storage is unchanged.
    char** get() {
        pointers.clear();
        for (auto& s : storage) pointers.push_back(s.data());
        pointers.push_back(nullptr);
        return pointers.data();
    }
};

}  // namespace tend::uv
