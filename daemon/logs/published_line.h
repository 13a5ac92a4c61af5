// A captured line as LogSink hands it to its subscribers. Its JSON (the
// "data" of a "log" event) is made at most once, however many followers
// send it: with twenty `tend logs` open on a loud app, encoding each line
// twenty times was most of the daemon's work.
#pragma once

#include <optional>
#include <string>

#include "common/messages.h"
#include "common/protocol.h"

namespace tend {

class PublishedLine {
  public:
    explicit PublishedLine(const LogLine& line) : line_(line) {}
    PublishedLine(const PublishedLine&) = delete;
    PublishedLine& operator=(const PublishedLine&) = delete;

    const LogLine& line() const { return line_; }
    operator const LogLine&() const { return line_; }  // for subscribers that want the line only

    // The line as JSON text, made on first use.
    const std::string& json_text() const {
        if (!json_text_) json_text_ = dump_json(json(line_));
        return *json_text_;
    }

  private:
    const LogLine& line_;
    mutable std::optional<std::string> json_text_;
};

}  // namespace tend
