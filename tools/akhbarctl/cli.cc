#include "tools/akhbarctl/cli.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <charconv>
#include <iostream>
#include <system_error>

#include "absl/status/status.h"
#include "google/protobuf/util/time_util.h"

namespace akhbar::ctl {

std::string CommandArgs::Get(const std::string& name, std::string fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::move(fallback) : it->second;
}

void PrintCommandUsage(const Command& command, std::ostream& out) {
  out << "usage: akhbarctl [global flags] " << command.name;
  if (!command.usage.empty()) out << " " << command.usage;
  out << "\n";
}

int UsageError(const Invocation& invocation, std::string_view message) {
  std::cerr << "akhbarctl: " << message << "\n";
  PrintCommandUsage(invocation.command, std::cerr);
  return kExitUsage;
}

std::shared_ptr<grpc::Channel> OpenChannel(const Invocation& invocation) {
  grpc::ChannelArguments arguments;
  // The default 4 MiB limit would fail a large import's summary or a long
  // listing after the server did the work; a CLI trusts its own server.
  arguments.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(invocation.addr, grpc::InsecureChannelCredentials(), arguments);
}

void PrepareContext(const Invocation& invocation, grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + invocation.deadline);
  // Sent on reads too: with an editor token, reads also see unpublished articles.
  if (!invocation.global.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + invocation.global.token);
  }
}

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC's codes are abseil's, number for number.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

int RpcFailed(const grpc::Status& status) {
  std::cerr << "akhbarctl: " << StatusCodeName(status.error_code());
  if (!status.error_message().empty()) std::cerr << ": " << status.error_message();
  std::cerr << "\n";
  return kExitRpcFailed;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<google::protobuf::Timestamp> ParseRfc3339(const std::string& text) {
  google::protobuf::Timestamp timestamp;
  if (!google::protobuf::util::TimeUtil::FromString(text, &timestamp)) return std::nullopt;
  return timestamp;
}

}  // namespace akhbar::ctl
