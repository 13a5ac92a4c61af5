// `tend completion bash|zsh|fish`: print the shell's completion script, the
// same text that is installed from completions/.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/completion/completion_scripts.h"
#include "cli/completion/completion_words.h"
#include "cli/usage_error.h"

namespace tend {

CommandRunner setup_completion(CLI::App& app) {
    auto shell = std::make_shared<std::string>();
    app.add_option("shell", *shell, "bash, zsh or fish")->type_name("SHELL");
    return [shell](CommandContext&) {
        if (shell->empty())
            throw UsageError(
                "'completion' needs a shell: bash, zsh or fish (tend completion bash)");
        std::string_view script = completion_script(*shell);
        if (script.empty())
            throw UsageError("no completion for shell '" + *shell + "' (bash, zsh or fish)" +
                             did_you_mean(*shell, completion_shells()));
        print_now(std::string(script));
        return 0;
    };
}

}  // namespace tend
