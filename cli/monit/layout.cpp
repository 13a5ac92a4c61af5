// Layout arithmetic: a header and a status row, the list on top, then the
// logs with the details either above them (narrow) or beside them (wide).
#include "cli/monit/layout.h"

#include <algorithm>

namespace tend {
namespace {

// The list never takes more than this share of the body, so logs stay visible.
constexpr double kListShare = 0.45;
constexpr int kMinListRows = 2;  // its title and one instance
constexpr int kMinDetailsCols = 40;
constexpr int kMaxDetailsCols = 60;

int list_height(int available, int list_rows) {
    int share = std::max(kMinListRows, static_cast<int>(available * kListShare));
    return std::clamp(list_rows + 1, kMinListRows, share);
}

// Each placer fills the body: rows top .. top + body - 1.
void place_stacked(Layout& layout, int cols, int top, int body, int list_rows) {
    int details = body >= 3 * kStackedDetailsRows ? kStackedDetailsRows : 0;
    int list = list_height(body - details, list_rows);
    layout.list = Rect{top, 0, list, cols};
    layout.details = Rect{top + list, 0, details, details > 0 ? cols : 0};
    layout.logs = Rect{top + list + details, 0, body - list - details, cols};
}

void place_side_by_side(Layout& layout, int cols, int top, int body, int list_rows) {
    int list = list_height(body, list_rows);
    int details = std::clamp(cols * 35 / 100, kMinDetailsCols, kMaxDetailsCols);
    int below = top + list;
    layout.side_by_side = true;
    layout.list = Rect{top, 0, list, cols};
    layout.logs = Rect{below, 0, body - list, cols - details};
    layout.details = Rect{below, cols - details, body - list, details};
}

}  // namespace

Layout compute_layout(int cols, int rows, int list_rows) {
    Layout layout;
    if (cols < kMinCols || rows < kMinRows) {
        layout.too_small = true;
        return layout;
    }
    layout.header = Rect{0, 0, 1, cols};
    layout.status = Rect{rows - 1, 0, 1, cols};
    int body = rows - 2;
    list_rows = std::max(0, list_rows);
    if (cols >= kSideBySideCols)
        place_side_by_side(layout, cols, 1, body, list_rows);
    else
        place_stacked(layout, cols, 1, body, list_rows);
    return layout;
}

int scroll_to_show(int top, int selected, int height, int count) {
    if (height <= 0 || count <= 0) return 0;
    top = std::min(top, count - height);
    if (selected < top) top = selected;
    if (selected >= top + height) top = selected - height + 1;
    return std::max(0, top);
}

}  // namespace tend
