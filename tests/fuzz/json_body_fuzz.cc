// JSON request bodies → protos (services/gateway/json.*), as the gateway's
// write routes read them: articles, publish and takedown requests, ticker
// items. The first byte picks the message and the Content-Type; the rest is
// the body.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "akhbar/article/v1/article.pb.h"
#include "akhbar/ticker/v1/ticker.pb.h"
#include "services/gateway/json.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using akhbar::gateway::Call;
using akhbar::gateway::ParseJsonBody;
using akhbar::gateway::Response;
using akhbar::gateway::ToJson;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

std::unique_ptr<Message> MessageFor(uint8_t selector) {
  switch (selector % 4) {
    case 0:
      return std::make_unique<akhbar::article::v1::Article>();
    case 1:
      return std::make_unique<akhbar::article::v1::PublishArticleRequest>();
    case 2:
      return std::make_unique<akhbar::article::v1::TakedownArticleRequest>();
    default:
      return std::make_unique<akhbar::ticker::v1::TickerItem>();
  }
}

std::string ContentTypeFor(uint8_t selector) {
  switch ((selector / 4) % 4) {
    case 0:
      return "application/json";
    case 1:
      return "";  // curl and many scripts send none
    case 2:
      return "application/json; charset=utf-8";
    default:
      return "text/plain";
  }
}

void CheckError(const Response& response, const Call& call) {
  FUZZ_CHECK(response.status == 400 || response.status == 415);
  FUZZ_CHECK((response.status == 415) == (call.content_type == "text/plain"));
  google::protobuf::Struct body;
  FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(response.body, &body).ok());
  FUZZ_CHECK(body.fields().contains("error"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Call call;
  call.content_type = ContentTypeFor(data[0]);
  call.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  std::unique_ptr<Message> message = MessageFor(data[0]);
  // Updates also list the fields the body names; creates do not ask.
  const bool with_fields = (data[0] & 0x10) != 0;
  std::vector<std::string> fields;

  std::optional<Response> error =
      ParseJsonBody(call, message.get(), with_fields ? &fields : nullptr);
  if (error) {
    CheckError(*error, call);
    return 0;
  }
  FUZZ_CHECK(call.content_type != "text/plain" && !call.body.empty());

  // What the gateway answers with (ToJson) reads back as the same message,
  // and so does the binary form the gateway sends on to the services.
  std::unique_ptr<Message> reparsed(message->New());
  google::protobuf::util::JsonParseOptions strict;
  strict.ignore_unknown_fields = false;
  FUZZ_CHECK(
      google::protobuf::util::JsonStringToMessage(ToJson(*message), reparsed.get(), strict).ok());
  FUZZ_CHECK(MessageDifferencer::Equals(*message, *reparsed));
  std::string wire;
  FUZZ_CHECK(message->SerializeToString(&wire));
  std::unique_ptr<Message> from_wire(message->New());
  FUZZ_CHECK(from_wire->ParseFromString(wire));
  FUZZ_CHECK(MessageDifferencer::Equals(*message, *from_wire));

  // An update mask is made of these names: each must be a field (or oneof) of
  // the message, listed once, in order.
  FUZZ_CHECK(std::is_sorted(fields.begin(), fields.end()));
  FUZZ_CHECK(std::adjacent_find(fields.begin(), fields.end()) == fields.end());
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  for (const std::string& field : fields) {
    FUZZ_CHECK(descriptor->FindFieldByName(field) != nullptr ||
               descriptor->FindOneofByName(field) != nullptr);
  }
  return 0;
}
