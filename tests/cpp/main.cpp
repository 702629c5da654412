#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "status.hpp"

int main(int argc, char* argv[]) {
  if (cl::init() != cl::kOk) return 1;
  return Catch::Session().run(argc, argv);
}
