// The `tend` executable: everything lives in the tend_cli library, so the
// unit tests link the same code.
#include "cli/run.h"

int main(int argc, char** argv) {
    return tend::run(argc, argv);
}
