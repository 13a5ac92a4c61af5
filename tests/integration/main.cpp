// doctest main for the integration tests; see harness.h for the private
// daemon each test runs.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
