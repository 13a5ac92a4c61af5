// The process list's columns for a given width, and the cells of its title
// row and of one instance's row: pure text the view paints, tested at 80
// columns and wider.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "common/instance_info.h"

namespace tend {

enum class Column {
    kId,
    kName,
    kInstance,
    kStatus,
    kCpu,
    kMemory,
    kRestarts,
    kUptime,
    kCpuSpark,
    kMemorySpark,
};
inline constexpr std::size_t kColumnCount = 10;

// Width of each column, indexed by Column; the total with one space between
// columns never passes the width asked for.
using ListColumns = std::array<int, kColumnCount>;

ListColumns list_columns(int width);

struct Cell {
    Column column;
    int x = 0;
    std::string text;  // exactly the column's width
};

// The title row: "id", "name", ..., "cpu ▁▃▅", "mem ▁▃▅".
std::vector<Cell> list_title_cells(const ListColumns& columns);

// One instance's row. The sparklines are drawn as in the details pane
// (cpu_spark(), memory_spark(): from the left, a steady value at
// mid-height); the details pane also prints their range.
std::vector<Cell> list_cells(const InstanceInfo& info, const ListColumns& columns);

// The status as the list shows it: "waiting" for waiting_restart.
std::string short_status(InstanceState state);

}  // namespace tend
