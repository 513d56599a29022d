#include "services/gateway/pages/arabic_date.h"

#include <ctime>
#include <string_view>

namespace akhbar::gateway::pages {
namespace {

constexpr std::string_view kMonths[] = {"يناير", "فبراير", "مارس",   "أبريل",  "مايو",   "يونيو",
                                        "يوليو", "أغسطس",  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};

// An unset Timestamp is the epoch: no article was published in 1970.
bool ToUtc(const google::protobuf::Timestamp& time, std::tm* utc) {
  if (time.seconds() == 0 && time.nanos() == 0) return false;
  const std::time_t seconds = static_cast<std::time_t>(time.seconds());
  return gmtime_r(&seconds, utc) != nullptr;
}

void AppendArabic(std::string& out, const std::tm& utc) {
  out += std::to_string(utc.tm_mday);
  out += ' ';
  out += kMonths[utc.tm_mon];
  out += ' ';
  out += std::to_string(utc.tm_year + 1900);
}

void AppendIso(std::string& out, const std::tm& utc) {
  char text[32];
  out.append(text, std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc));
}

}  // namespace

std::string ArabicDate(const google::protobuf::Timestamp& time) {
  std::string out;
  if (std::tm utc{}; ToUtc(time, &utc)) AppendArabic(out, utc);
  return out;
}

std::string IsoTime(const google::protobuf::Timestamp& time) {
  std::string out;
  if (std::tm utc{}; ToUtc(time, &utc)) AppendIso(out, utc);
  return out;
}

void AppendTime(std::string& out, const google::protobuf::Timestamp& time) {
  std::tm utc{};
  if (!ToUtc(time, &utc)) return;
  out += "<time datetime=\"";
  AppendIso(out, utc);
  out += "\">";
  AppendArabic(out, utc);
  out += "</time>";
}

}  // namespace akhbar::gateway::pages
