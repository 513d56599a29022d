// Closed-loop load on one unary gRPC method, with the request as raw bytes, for
// `make bench`:
//
//   grpc_load --target HOST:PORT --method /pkg.Service/Method [--request FILE]
//             [--connections 1] [--concurrency 16] [--threads 1]
//             [--duration 10] [--warmup 2] [--deadline-ms 5000]
//             [--save-response FILE]
//
//   --request FILE        the serialized request message (default: empty, the
//                         all-defaults message); protoc writes one from text
//                         (one command, split here):
//     echo 'id: 1' | protoc -Iproto --encode=akhbar.article.v1.GetArticleRequest
//       proto/akhbar/article/v1/article.proto > get1.bin
//   --connections C       separate HTTP/2 connections (one channel each)
//   --concurrency N       calls outstanding at all times, over all connections;
//                         each finished call starts the next at once
//   --threads T           completion queues, one thread each
//   --duration S          seconds measured, after --warmup S unmeasured ones
//   --deadline-ms D       per-call deadline
//   --save-response FILE  writes the bytes of the first OK response
//
// Every response's status is checked. Prints one JSON line on stdout,
//   {"requests":..,"errors":..,"errors_by_code":{"UNAVAILABLE":..},"seconds":..,
//    "rps":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..,
//    "unmeasured_errors":..}
// where requests, errors and errors_by_code count the calls that finished
// within the measured seconds (OK or not), the latencies are those of the OK
// ones among them (null when there are none) and unmeasured_errors the failed
// calls that finished during the warm-up or after the end. Exit status 1 when
// any call failed at all, 2 on bad usage.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kStatusCodes = 17;  // OK .. UNAUTHENTICATED

// Indexed by grpc::StatusCode.
constexpr std::array<const char*, kStatusCodes> kStatusNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

const char* StatusCodeName(int code) {
  return code >= 0 && code < kStatusCodes ? kStatusNames[static_cast<size_t>(code)]
                                          : "INVALID_CODE";
}

int CodeIndex(grpc::StatusCode code) {
  int value = static_cast<int>(code);
  return value >= 0 && value < kStatusCodes ? value : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

struct Options {
  std::string target;
  std::string method;
  std::string request_path;
  std::string save_response_path;
  int connections = 1;
  int concurrency = 16;
  int threads = 1;
  double duration_s = 10;
  double warmup_s = 2;
  int deadline_ms = 5000;
};

// What every worker reads and nobody writes while calls run.
struct Run {
  std::string method;
  grpc::ByteBuffer request;
  std::chrono::milliseconds deadline{0};
  Clock::time_point measure_from;
  Clock::time_point measure_until;
};

// The first OK response, kept for --save-response.
struct SavedResponse {
  std::atomic<bool> wanted{false};
  std::mutex mutex;
  std::string bytes;
};

// One outstanding call; restarted by its worker as soon as it finishes.
struct Slot {
  grpc::GenericStub* stub = nullptr;
  std::optional<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  Clock::time_point started;
};

struct WorkerResult {
  std::vector<int64_t> latencies_ns;  // OK calls finished in the window
  int64_t requests = 0;
  std::array<int64_t, kStatusCodes> errors_by_code{};
  int64_t unmeasured_errors = 0;
  std::array<int64_t, kStatusCodes> unmeasured_by_code{};
};

void StartCall(Slot* slot, const Run& run, grpc::CompletionQueue* cq, Clock::time_point now) {
  // The reader lives in the previous call's arena, which the context frees.
  slot->reader.reset();
  slot->context.emplace();
  slot->context->set_deadline(std::chrono::system_clock::now() + run.deadline);
  slot->started = now;
  slot->reader = slot->stub->PrepareUnaryCall(&*slot->context, run.method, run.request, cq);
  slot->reader->StartCall();
  slot->reader->Finish(&slot->response, &slot->status, slot);
}

void Work(std::vector<Slot*> slots, const Run& run, grpc::CompletionQueue* cq, SavedResponse* saved,
          WorkerResult* result) {
  Clock::time_point now = Clock::now();
  for (Slot* slot : slots) StartCall(slot, run, cq, now);
  size_t active = slots.size();
  void* tag = nullptr;
  bool ok = false;
  while (active > 0 && cq->Next(&tag, &ok)) {
    Slot* slot = static_cast<Slot*>(tag);
    now = Clock::now();
    const bool measured = now >= run.measure_from && now < run.measure_until;
    if (slot->status.ok()) {
      if (measured) {
        ++result->requests;
        result->latencies_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot->started).count());
      }
      if (saved->wanted.load(std::memory_order_relaxed) &&
          saved->wanted.exchange(false, std::memory_order_relaxed)) {
        std::vector<grpc::Slice> slices;
        slot->response.Dump(&slices);
        std::lock_guard<std::mutex> lock(saved->mutex);
        for (const grpc::Slice& piece : slices) {
          saved->bytes.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
        }
      }
    } else {
      const int code = CodeIndex(slot->status.error_code());
      if (measured) {
        ++result->requests;
        ++result->errors_by_code[static_cast<size_t>(code)];
      } else {
        ++result->unmeasured_errors;
        ++result->unmeasured_by_code[static_cast<size_t>(code)];
      }
    }
    if (now < run.measure_until) {
      StartCall(slot, run, cq, now);
    } else {
      --active;
    }
  }
  cq->Shutdown();
  while (cq->Next(&tag, &ok)) {
  }
  for (Slot* slot : slots) {
    slot->reader.reset();
    slot->context.reset();
  }
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

int Usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s --target HOST:PORT --method /pkg.Service/Method [--request FILE]\n"
               "       [--connections C] [--concurrency N] [--threads T] [--duration S]\n"
               "       [--warmup S] [--deadline-ms D] [--save-response FILE]\n",
               program);
  return 2;
}

bool ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--target") {
      options->target = value;
    } else if (flag == "--method") {
      options->method = value;
    } else if (flag == "--request") {
      options->request_path = value;
    } else if (flag == "--save-response") {
      options->save_response_path = value;
    } else if (flag == "--connections") {
      options->connections = std::atoi(value.c_str());
    } else if (flag == "--concurrency") {
      options->concurrency = std::atoi(value.c_str());
    } else if (flag == "--threads") {
      options->threads = std::atoi(value.c_str());
    } else if (flag == "--duration") {
      options->duration_s = std::atof(value.c_str());
    } else if (flag == "--warmup") {
      options->warmup_s = std::atof(value.c_str());
    } else if (flag == "--deadline-ms") {
      options->deadline_ms = std::atoi(value.c_str());
    } else {
      return false;
    }
  }
  return !options->target.empty() && options->method.size() > 2 && options->method[0] == '/' &&
         options->connections > 0 && options->concurrency > 0 && options->threads > 0 &&
         options->duration_s > 0 && options->warmup_s >= 0 && options->deadline_ms > 0;
}

// Nearest rank over sorted samples, in milliseconds.
double PercentileMs(const std::vector<int64_t>& sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) return Usage(argv[0]);
  // More threads or connections than calls would only sit idle.
  options.threads = std::min(options.threads, options.concurrency);
  options.connections = std::min(options.connections, options.concurrency);

  std::string request_bytes;
  if (!options.request_path.empty() && !ReadFile(options.request_path, &request_bytes)) {
    std::fprintf(stderr, "cannot read %s\n", options.request_path.c_str());
    return 2;
  }
  // Debian's Abseil tracks lock order on every gRPC mutex unless told not to;
  // the client's cost per call should not hide the server's.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < options.connections; ++i) {
    grpc::ChannelArguments args;
    // Channels with equal arguments would share one subchannel, hence one
    // connection, through the global pool; a local pool and a distinct
    // argument each keep them apart.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("akhbar.grpc_load.connection", i);
    // A retried call would be counted once with the latency of both attempts
    // and could hide a failure: each call is exactly one attempt.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    channels.push_back(
        grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), args));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(5))) {
      std::fprintf(stderr, "cannot connect to %s\n", options.target.c_str());
      return 1;
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channels.back()));
  }

  Run run;
  run.method = options.method;
  grpc::Slice request_slice(request_bytes);
  run.request = grpc::ByteBuffer(&request_slice, 1);
  run.deadline = std::chrono::milliseconds(options.deadline_ms);
  SavedResponse saved;
  saved.wanted = !options.save_response_path.empty();

  std::vector<Slot> slots(static_cast<size_t>(options.concurrency));
  std::vector<std::vector<Slot*>> slots_by_thread(static_cast<size_t>(options.threads));
  for (size_t k = 0; k < slots.size(); ++k) {
    slots[k].stub = stubs[k % stubs.size()].get();
    slots_by_thread[k % slots_by_thread.size()].push_back(&slots[k]);
  }
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
  std::vector<WorkerResult> results(slots_by_thread.size());
  for (size_t t = 0; t < slots_by_thread.size(); ++t) {
    queues.push_back(std::make_unique<grpc::CompletionQueue>());
  }
  std::fprintf(stderr,
               "grpc_load: %s %s, %d connection(s), %d call(s) outstanding, %d thread(s), "
               "%.1f s warm-up + %.1f s\n",
               options.target.c_str(), options.method.c_str(), options.connections,
               options.concurrency, options.threads, options.warmup_s, options.duration_s);

  const Clock::time_point begin = Clock::now();
  run.measure_from = begin + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options.warmup_s));
  run.measure_until = run.measure_from + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(options.duration_s));
  std::vector<std::thread> workers;
  for (size_t t = 0; t < slots_by_thread.size(); ++t) {
    workers.emplace_back(Work, slots_by_thread[t], std::cref(run), queues[t].get(), &saved,
                         &results[t]);
  }
  for (std::thread& worker : workers) worker.join();

  WorkerResult total;
  for (WorkerResult& result : results) {
    total.latencies_ns.insert(total.latencies_ns.end(), result.latencies_ns.begin(),
                              result.latencies_ns.end());
    total.requests += result.requests;
    total.unmeasured_errors += result.unmeasured_errors;
    for (size_t c = 0; c < kStatusCodes; ++c) {
      total.errors_by_code[c] += result.errors_by_code[c];
      total.unmeasured_by_code[c] += result.unmeasured_by_code[c];
    }
  }
  std::sort(total.latencies_ns.begin(), total.latencies_ns.end());
  int64_t errors = 0;
  std::string by_code;
  for (size_t c = 0; c < kStatusCodes; ++c) {
    errors += total.errors_by_code[c];
    if (total.errors_by_code[c] == 0) continue;
    if (!by_code.empty()) by_code += ",";
    by_code += "\"" + std::string(StatusCodeName(static_cast<int>(c))) +
               "\":" + std::to_string(total.errors_by_code[c]);
  }
  for (size_t c = 0; c < kStatusCodes; ++c) {
    if (total.unmeasured_by_code[c] == 0) continue;
    std::fprintf(stderr, "grpc_load: %lld %s outside the measured window\n",
                 static_cast<long long>(total.unmeasured_by_code[c]),
                 StatusCodeName(static_cast<int>(c)));
  }

  auto latency = [&](double q) {
    if (total.latencies_ns.empty()) return std::string("null");
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", PercentileMs(total.latencies_ns, q));
    return std::string(text);
  };
  std::printf(
      "{\"requests\":%lld,\"errors\":%lld,\"errors_by_code\":{%s},\"seconds\":%.3f,"
      "\"rps\":%.1f,\"p50_ms\":%s,\"p90_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s,"
      "\"unmeasured_errors\":%lld}\n",
      static_cast<long long>(total.requests), static_cast<long long>(errors), by_code.c_str(),
      options.duration_s, static_cast<double>(total.requests) / options.duration_s,
      latency(0.50).c_str(), latency(0.90).c_str(), latency(0.99).c_str(), latency(1.0).c_str(),
      static_cast<long long>(total.unmeasured_errors));
  std::fflush(stdout);

  if (!options.save_response_path.empty()) {
    if (saved.wanted.load()) {
      std::fprintf(stderr, "grpc_load: no OK response to save\n");
    } else if (!WriteFile(options.save_response_path, saved.bytes)) {
      std::fprintf(stderr, "grpc_load: cannot write %s\n", options.save_response_path.c_str());
      return 1;
    }
  }
  return errors + total.unmeasured_errors == 0 ? 0 : 1;
}
