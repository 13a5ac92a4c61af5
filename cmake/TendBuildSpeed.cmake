# Precompiled headers and unity builds: the compile time of tend is mostly
# parsing nlohmann/json, CLI11, spdlog, doctest and the standard library in
# every file, and optimising the same json code again in each of them.

option(TEND_PCH "Precompile the heavy headers (json, CLI11, spdlog, doctest, std)" ON)
# A unity build puts a folder's files in one translation unit: names in their
# anonymous namespaces must differ, and main.cpp files stay alone.
option(TEND_UNITY "Compile each target's files in batches (unity build)" ON)

# The standard headers most files include.
set(TEND_PCH_STD
  <algorithm> <array> <chrono> <cstdint> <cstring> <deque> <filesystem> <functional>
  <map> <memory> <optional> <set> <sstream> <string> <string_view> <system_error>
  <unordered_map> <utility> <vector>)

# tend_pch(TARGET HEADERS h...): TARGET precompiles the standard set and h...
# tend_pch(TARGET REUSE_FROM OTHER): TARGET uses OTHER's precompiled header,
# which it may only when their compile flags and definitions agree (GCC says
# so with -Winvalid-pch, an error under TEND_WERROR).
function(tend_pch target)
  cmake_parse_arguments(arg "" "REUSE_FROM" "HEADERS" ${ARGN})
  if(NOT TEND_PCH)
    return()
  endif()
  if(arg_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${arg_REUSE_FROM})
  else()
    target_precompile_headers(${target} PRIVATE ${TEND_PCH_STD} ${arg_HEADERS})
  endif()
endfunction()

# tend_unity(TARGET BATCH N [EXCLUDE file...]): TARGET's files compiled N at a
# time; EXCLUDE names files that cannot share a translation unit.
function(tend_unity target)
  cmake_parse_arguments(arg "" "BATCH" "EXCLUDE" ${ARGN})
  if(NOT TEND_UNITY)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${arg_BATCH})
  if(arg_EXCLUDE)
    set_source_files_properties(${arg_EXCLUDE} TARGET_DIRECTORY ${target}
      PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
endfunction()
