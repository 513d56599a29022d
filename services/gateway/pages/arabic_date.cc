#include "services/gateway/pages/arabic_date.h"

#include <ctime>

namespace akhbar::gateway::pages {
namespace {

constexpr const char* kMonths[] = {"يناير", "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
                                   "يوليو", "أغسطس",  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};

bool ToUtc(const google::protobuf::Timestamp& time, std::tm* utc) {
  if (time.seconds() == 0 && time.nanos() == 0) return false;
  const std::time_t seconds = static_cast<std::time_t>(time.seconds());
  return gmtime_r(&seconds, utc) != nullptr;
}

}  // namespace

std::string ArabicDate(const google::protobuf::Timestamp& time) {
  std::tm utc{};
  if (!ToUtc(time, &utc)) return "";
  return std::to_string(utc.tm_mday) + " " + kMonths[utc.tm_mon] + " " +
         std::to_string(utc.tm_year + 1900);
}

std::string IsoTime(const google::protobuf::Timestamp& time) {
  std::tm utc{};
  if (!ToUtc(time, &utc)) return "";
  char text[32];
  const std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, length);
}

}  // namespace akhbar::gateway::pages
