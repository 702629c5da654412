#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "status.hpp"
#include "test_helpers.hpp"

// Each test case's random inputs come from a stream of its own (test_helpers.hpp).
struct RandomStreamPerTestCase : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const& info) override { test_random::start(info.name); }
};
CATCH_REGISTER_LISTENER(RandomStreamPerTestCase)

int main(int argc, char* argv[]) {
  if (cl::init() != cl::kOk) return 1;
  return Catch::Session().run(argc, argv);
}
