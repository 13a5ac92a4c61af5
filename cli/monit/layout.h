// Where each pane of the dashboard goes for a terminal size: pure
// arithmetic, so 80x24, wide terminals and resizes are unit-tested.
#pragma once

namespace tend {

// The smallest terminal the dashboard draws in; below, it shows a notice.
inline constexpr int kMinCols = 40;
inline constexpr int kMinRows = 10;
// From this width the details pane sits right of the logs instead of above.
inline constexpr int kSideBySideCols = 120;
// Rows of the details pane when stacked: its title and six fields.
inline constexpr int kStackedDetailsRows = 7;

struct Rect {
    int y = 0;
    int x = 0;
    int height = 0;
    int width = 0;
    bool empty() const { return height <= 0 || width <= 0; }
    bool operator==(const Rect&) const = default;
};

// Every pane's first row is its title; the rest is its content.
struct Layout {
    bool too_small = false;     // only a "terminal too small" notice fits
    bool side_by_side = false;  // details right of the logs
    Rect header;                // one row: title, counts, connection
    Rect list;                  // column titles, then one row per instance
    Rect details;               // title, then the selected instance's fields
    Rect logs;                  // title, then log lines
    Rect status;                // one row: messages, prompts, key hints
    bool operator==(const Layout&) const = default;
};

// The layout for a cols x rows terminal showing list_rows instances: the
// list takes what it needs up to its share of the height, the logs the rest.
Layout compute_layout(int cols, int rows, int list_rows);

// The first row to show so that selected stays within height rows, moving
// from top as little as possible and never leaving blank rows at the end.
int scroll_to_show(int top, int selected, int height, int count);

}  // namespace tend
