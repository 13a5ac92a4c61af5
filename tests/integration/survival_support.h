// What the survival tests share: killing the serving tendd and waiting for
// the keeper's next one, and checking a file of numbered lines end to end.
#pragma once

#include <string>

#include "harness.h"

namespace tend::it {

// SIGKILLs the serving tendd, waits until it is gone, then until another
// tendd answers ping; returns the new one's pid.
pid_t kill_daemon_and_wait_for_next(TendHome& t);

// Waits until the serving tendd is other than old_pid and answers ping.
pid_t wait_for_new_daemon(TendHome& t, pid_t old_pid);

// A file of lines "<instance> <seq> <40 x's>" (tend_fixture numbered), read
// end to end; with instance, only that instance's lines (a merged file), and
// a "--time" prefix ("2026-11-29T10:00:00: ") is taken off first.
struct NumberedLines {
    long first = -1;        // the first seq; -1 when none
    long last = -1;         // the highest seq
    long count = 0;         // whole lines read
    long missing = 0;       // seqs between first and last never seen
    long torn = 0;          // lines that are not a whole numbered line
    long duplicated = 0;    // seqs seen more than once
    long out_of_order = 0;  // a seq lower than one before it, not a duplicate
};

NumberedLines check_numbered(const std::string& path, const std::string& instance = "");

// What of a jlist a take-over or an update keeps as it was, by id: ids,
// names, pids, indexes, restart counts and reasons, start times.
json kept_table(const json& list);

}  // namespace tend::it
