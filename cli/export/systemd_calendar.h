// A cron expression as systemd timer's OnCalendar= values (systemd.time(7)),
// for `tend export systemd`. Pure.
#pragma once

#include <string>
#include <vector>

namespace tend {

// The OnCalendar= values that fire exactly when the cron expression does, in
// time zone tz ("" = local time). One value, or two when both day fields
// are restricted: cron then fires on a day matching either, systemd's one
// expression on a day matching both, and a timer fires on any of its
// OnCalendar= lines. Throws CronError for an expression tend refuses.
std::vector<std::string> systemd_calendar(const std::string& cron, const std::string& tz);

}  // namespace tend
