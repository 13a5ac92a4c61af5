// `tend export systemd|kubernetes|compose [FILE] [-o DIR]`: the apps of an
// ecosystem file, or the running daemon's, as the target's files. The
// exporters (cli/export/) are pure; this reads the apps, makes their
// interpreters absolute as tend would find them, and prints or writes.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "cli/commands/commands.h"
#include "cli/ecosystem/ecosystem_apps.h"
#include "cli/ecosystem/ecosystem_loader.h"
#include "cli/env_file.h"
#include "cli/export/export_target.h"
#include "cli/path_lookup.h"
#include "cli/usage_error.h"
#include "common/errors.h"

namespace tend {
namespace {

struct ExportFlags {
    std::string target;
    std::string file;
    std::string out_dir;
    std::string only;
    bool force = false;
    ExportOptions options;
};

using ExportFunction = std::vector<ExportedFile> (*)(const std::vector<AppSpec>&,
                                                     const ExportOptions&);

ExportFunction export_exporter_for(const std::string& target) {
    if (target == "systemd") return export_systemd;
    if (target == "kubernetes") return export_kubernetes;
    if (target == "compose") return export_compose;
    throw UsageError("'export' writes systemd, kubernetes or compose, not '" + target + "'" +
                     did_you_mean(target, {"systemd", "kubernetes", "compose"}));
}

// The running daemon's apps, one spec each, in the order of the list; an
// app's instance count is the instances it has now (after any scale).
std::vector<AppSpec> export_running_apps(CommandContext& ctx) {
    TargetsArgs args;
    args.targets = {"all"};
    args.cwd = cli_cwd();
    json reply;
    try {
        reply = ctx.call(args);
    } catch (const TendError& e) {
        if (e.code() != ErrorCode::kDaemonUnavailable) throw;
        throw TendError(e.code(), "no daemon runs in " + ctx.paths.home +
                                      ": give an ecosystem file, or start the apps first");
    }
    std::vector<AppSpec> specs;
    for (const auto& info : decode_result<InstancesResult>(reply).instances) {
        if (!info.spec) continue;
        auto same = [&](const AppSpec& s) { return s.name == info.name; };
        auto it = std::find_if(specs.begin(), specs.end(), same);
        if (it == specs.end()) {
            specs.push_back(*info.spec);
            specs.back().instances = 0;
            it = specs.end() - 1;
        }
        ++it->instances;
    }
    return specs;
}

// --only for running apps (a file's apps are selected as the file is read).
std::vector<AppSpec> export_selection(std::vector<AppSpec> specs, const std::string& only) {
    if (only.empty()) return specs;
    auto names = split_only(only);
    std::set<std::string> wanted(names.begin(), names.end());
    std::vector<AppSpec> out;
    for (auto& spec : specs)
        if (wanted.erase(spec.name)) out.push_back(std::move(spec));
    if (!wanted.empty())
        throw TendError(ErrorCode::kNotFound, "no app named '" + *wanted.begin() + "'");
    return out;
}

// An interpreter (or a script run by itself) given as a bare word becomes
// the path PATH finds now, as tend's spawn would: a unit must not depend on
// the PATH of whatever starts it.
std::string export_absolute_command(const std::string& word) {
    if (word.empty() || word.find('/') != std::string::npos) return word;
    const char* path = std::getenv("PATH");
    auto found = search_path(word, path ? path : "", is_executable_file);
    if (found) return *found;
    std::fputs(("[tend] warning: '" + word + "' is not in PATH: written as it is\n").c_str(),
               stderr);
    return word;
}

// An env_file's variables are in the spec's env (tend read the file at
// start); the unit names the file (EnvironmentFile=) instead of copying them,
// since unit files and `systemctl show` are readable by every user. Those
// whose value the file still gives are left out of env.
void export_drop_env_file_vars(AppSpec& spec) {
    if (spec.env_file.empty()) return;
    try {
        for (const auto& [key, value] : load_env_file(spec.env_file, spec.env_file)) {
            auto it = spec.env.find(key);
            if (it != spec.env.end() && it->second == value) spec.env.erase(it);
        }
    } catch (const TendError& e) {
        std::fputs(("[tend] warning: " + std::string(e.what()) +
                    ": its variables are written with the others\n")
                       .c_str(),
                   stderr);
    }
}

void export_resolve_commands(std::vector<AppSpec>& specs) {
    for (auto& spec : specs) {
        std::string interp =
            spec.interpreter.empty() ? default_interpreter(spec.script) : spec.interpreter;
        if (interp.empty() || interp == "none")
            spec.script = export_absolute_command(spec.script);
        else
            spec.interpreter = export_absolute_command(interp);
        spec.base_env.clear();  // the shell's environment is not the app's definition
        export_drop_env_file_vars(spec);
    }
}

std::vector<AppSpec> apps_to_export(const ExportFlags& f, CommandContext& ctx) {
    std::vector<AppSpec> specs;
    if (!f.file.empty()) {
        EcosystemApps apps = load_ecosystem_apps(f.file, f.only, {});
        for (const auto& warning : apps.warnings)
            std::fputs(("[tend] warning: " + warning + "\n").c_str(), stderr);
        specs = std::move(apps.specs);
    } else {
        specs = export_selection(export_running_apps(ctx), f.only);
    }
    if (specs.empty()) throw TendError(ErrorCode::kNotFound, "no app to export");
    export_resolve_commands(specs);
    return specs;
}

// Every file into dir, none when any exists already (unless --force).
void export_write_files(const std::vector<ExportedFile>& files, const std::string& dir,
                        bool force) {
    namespace fs = std::filesystem;
    if (!force)
        for (const auto& file : files)
            if (fs::exists(fs::path(dir) / file.name))
                throw TendError(ErrorCode::kAlreadyExists,
                                (fs::path(dir) / file.name).string() +
                                    " exists: nothing written (--force replaces it)");
    std::string written;
    for (const auto& file : files) {
        fs::path path = fs::path(dir) / file.name;
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << file.text;
        out.close();
        if (!out) throw TendError(ErrorCode::kInternal, "cannot write " + path.string());
        ::chmod(path.c_str(), 0644);
        written.append("[tend] wrote ").append(path.string()).append("\n");
    }
    print_now(written);
}

int run_export(const ExportFlags& f, CommandContext& ctx) {
    ExportFunction exporter = export_exporter_for(f.target);
    std::vector<ExportedFile> files = exporter(apps_to_export(f, ctx), f.options);
    if (!f.out_dir.empty()) {
        export_write_files(files, f.out_dir, f.force);
        return 0;
    }
    std::string out;
    for (const auto& file : files)
        out.append("# ---- ").append(file.name).append("\n").append(file.text);
    print_now(out);
    return 0;
}

}  // namespace

CommandRunner setup_export(CLI::App& app) {
    auto f = std::make_shared<ExportFlags>();
    app.add_option("target", f->target, "systemd, kubernetes or compose")
        ->type_name("EXPORT")
        ->required();
    app.add_option("file", f->file, "an ecosystem file; none: the running daemon's apps")
        ->type_name("FILE");
    add_value_option(app, "-o,--output", f->out_dir,
                     "write the files into DIR (created) and print their paths; none: print them",
                     "DIR");
    app.add_flag("--force", f->force, "with -o: replace files that exist");
    add_value_option(app, "--only", f->only, "only these apps (a,b)", "NAMES");
    add_value_option(app, "--user", f->options.user, "systemd: User= of every unit", "USER");
    add_value_option(app, "--image", f->options.image,
                     "kubernetes, compose: the image every container runs", "IMG");
    app.add_flag("--direct", f->options.direct,
                 "kubernetes, compose: run the app's own command, not tend-runtime");
    return [f](CommandContext& ctx) { return run_export(*f, ctx); };
}

}  // namespace tend
