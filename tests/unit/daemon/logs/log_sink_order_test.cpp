// The sink's scan gives lines their capture times from the files' write
// marks, so an instance's stdout and stderr merge back in written order.
#include "daemon/logs/tail_order.h"
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

TEST_CASE("log sink: stdout and stderr lines come back in the order they were captured") {
    Loop loop;
    TempDir dir;
    std::string out_path = dir.file("a-out-0.log");
    std::string err_path = dir.file("a-err-0.log");
    std::ofstream(out_path) << "older out\n";  // before the sink opened the file
    {
        LogSink sink(loop.get());
        Pipe out, err;
        sink.attach(out.take_read(), kApi, StreamKind::kOut, sink.open(out_path), false);
        sink.attach(err.take_read(), kApi, StreamKind::kErr, sink.open(err_path), false);
        std::string out_text = "older out\n", err_text;
        for (int k = 0; k < 3; ++k) {
            for (auto [pipe, path, text, stream] :
                 {std::tuple{&out, &out_path, &out_text, "out"},
                  std::tuple{&err, &err_path, &err_text, "err"}}) {
                std::string line = std::string(stream) + " " + std::to_string(k) + "\n";
                write_all(pipe->write_fd, line);
                *text += line;
                REQUIRE(run_until(loop.get(), [&] { return read_file(*path) == *text; }));
            }
        }
        TailQuery query;
        query.lines = 10;
        std::size_t budget = 1 << 20;
        auto out_lines = sink.scan(out_path, query, budget);
        auto err_lines = sink.scan(err_path, query, budget);
        REQUIRE(out_lines.size() == 4);
        CHECK_FALSE(out_lines[0].time_ns.has_value());
        CHECK(out_lines[1].time_ns.has_value());
        std::vector<std::string> merged;
        for (auto& line : in_written_order({{"out", out_lines}, {"err", err_lines}}, 5))
            merged.push_back(line.text);
        CHECK(merged == std::vector<std::string>{"err 0", "out 1", "err 1", "out 2", "err 2"});
        out.close_write();
        err.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(loop.close() == 0);
}
