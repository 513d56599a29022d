#include "services/gateway/gateway.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <optional>

#include "services/gateway/call_args.h"
#include "services/gateway/errors.h"
#include "services/gateway/openapi/openapi_document.h"
#include "services/gateway/url.h"

namespace akhbar::gateway {
namespace {

constexpr int kBackendNiceness = 5;  // about a third of an I/O thread's CPU share

std::string_view ToView(beast::string_view text) {
  return std::string_view(text.data(), text.size());
}

template <typename Name>  // http::field or a header's name
std::string_view Header(const HttpRequest& request, Name name) {
  auto it = request.message.find(name);
  return it == request.message.end() ? std::string_view() : ToView(it->value());
}

std::shared_ptr<const ReadyResponse> Fixed(unsigned status, std::string content_type,
                                           std::string_view body, std::string cache_control) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::string(body);
  response.cache_control = std::move(cache_control);
  return Finish(std::move(response));
}

// Backend threads run below the I/O threads' priority: when the CPU is
// saturated, answers from the cache and refusals of excess load still go
// out at once, instead of queueing behind the work they protect.
void LowerBackendThreadPriority() {
  thread_local const bool lowered = [] {
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBackendNiceness);
    return true;
  }();
  (void)lowered;
}

std::optional<uint64_t> ParseSequence(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Gateway::Gateway(const GatewayConfig& config, Backends& backends, TickerFeeds& feeds,
                 GatewayMetrics& metrics)
    : config_(config),
      metrics_(metrics),
      limiter_(config.rate_per_second, config.rate_burst),
      sections_(backends, std::chrono::seconds(5)),
      articles_(backends),
      ticker_(backends, feeds, sections_),
      pages_(backends, ticker_, sections_, config.site),
      backend_pool_(static_cast<std::size_t>(config.backend_threads)) {
  for (int i = 0; i < config.io_threads; ++i) {
    caches_.push_back(std::make_unique<ResponseCache>(generations_, config.cache_ttl));
  }
  healthy_ = Fixed(200, "text/plain; charset=utf-8", "ok\n", "no-store");
  ready_ = Fixed(200, "text/plain; charset=utf-8", "ready\n", "no-store");
  not_ready_ = Fixed(503, "text/plain; charset=utf-8", "draining\n", "no-store");
  site_css_ =
      Fixed(200, "text/css; charset=utf-8", pages::SiteCss(), std::string(kStaticCacheControl));
  ticker_js_ = Fixed(200, "text/javascript; charset=utf-8", pages::TickerJs(),
                     std::string(kStaticCacheControl));
  openapi_ = Fixed(200, "application/json", OpenApiDocument(), std::string(kStaticCacheControl));
  Response busy = ErrorResponse(503, "UNAVAILABLE", "the site is busy; try again in a second");
  busy.headers.emplace_back("Retry-After", "1");
  busy_ = Finish(std::move(busy));
  too_slow_ =
      Finish(ErrorResponse(504, "DEADLINE_EXCEEDED", "the site did not answer in time; try again"));
}

void Gateway::Tick(int worker) {
  caches_[static_cast<std::size_t>(worker)]->AnswerOverdue(config_.read_deadline, too_slow_);
}

bool Gateway::Admit() {
  if (backend_pending_.fetch_add(1, std::memory_order_relaxed) < config_.max_pending) return true;
  Release();
  return false;
}

Gateway::~Gateway() { Stop(); }

void Gateway::Stop() {
  if (stopped_.exchange(true)) return;
  backend_pool_.join();
}

std::string_view Gateway::ClientOf(const HttpRequest& request) const {
  if (!config_.client_ip_header.empty()) {
    auto it = request.message.find(config_.client_ip_header);
    if (it != request.message.end()) {
      // The first address is the client's; the rest are proxies on the way.
      std::string_view forwarded = ToView(it->value());
      forwarded = forwarded.substr(0, forwarded.find(','));
      while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
      while (!forwarded.empty() && forwarded.back() == ' ') forwarded.remove_suffix(1);
      if (!forwarded.empty()) return forwarded;
    }
  }
  return request.client_ip;
}

void Gateway::Answer(const HttpRequest& request, RouteId route, Clock::time_point started,
                     const std::shared_ptr<Responder>& responder,
                     const std::shared_ptr<const ReadyResponse>& response) {
  metrics_.Observe(request.worker, route, response->status,
                   std::chrono::duration<double>(Clock::now() - started).count());
  responder->Reply(response);
}

void Gateway::Handle(const HttpRequest& request, const std::shared_ptr<Responder>& responder) {
  const Clock::time_point started = Clock::now();
  const Route route = Match(request.message.method(), request.path);
  switch (route.id) {
    case RouteId::kHealthz:
      return Answer(request, route.id, started, responder, healthy_);
    case RouteId::kReadyz:
      return Answer(request, route.id, started, responder,
                    draining_.load(std::memory_order_relaxed) ? not_ready_ : ready_);
    default:
      break;
  }
  if (limiter_.enabled()) {
    const std::chrono::milliseconds wait = limiter_.Take(ClientOf(request));
    if (wait.count() > 0) {
      metrics_.RateLimited(request.worker);
      Response refused = ErrorResponse(429, "RESOURCE_EXHAUSTED",
                                       "too many requests from your address; slow down");
      refused.headers.clear();
      refused.headers.emplace_back("Retry-After", std::to_string((wait.count() + 999) / 1000));
      return Answer(request, route.id, started, responder, Finish(std::move(refused)));
    }
  }
  switch (route.id) {
    case RouteId::kSiteCss:
      return Answer(request, route.id, started, responder, site_css_);
    case RouteId::kTickerJs:
      return Answer(request, route.id, started, responder, ticker_js_);
    case RouteId::kOpenApi:
      return Answer(request, route.id, started, responder, openapi_);
    case RouteId::kTickerStream:
      return StartTickerStream(request, responder);
    case RouteId::kMethodNotAllowed: {
      Response refused = ErrorResponse(405, "METHOD_NOT_ALLOWED",
                                       "this address answers " + std::string(route.allow));
      refused.headers.emplace_back("Allow", std::string(route.allow));
      return Answer(request, route.id, started, responder, Finish(std::move(refused)));
    }
    default:
      break;
  }
  // Editors' reads may show drafts: they are never shared.
  const unsigned domains =
      Header(request, http::field::authorization).empty() ? CacheDomainsOf(route.id) : kNotCached;
  if (domains != kNotCached) return AnswerFromCache(request, route, domains, started, responder);
  AnswerFromBackends(request, route, started, responder);
}

void Gateway::AnswerFromCache(const HttpRequest& request, const Route& matched, unsigned domains,
                              Clock::time_point started,
                              const std::shared_ptr<Responder>& responder) {
  const RouteId route = matched.id;
  ResponseCache& cache = *caches_[static_cast<std::size_t>(request.worker)];
  const std::string_view key = ToView(request.message.target());
  const ResponseCache::Lookup lookup = cache.Get(key, domains);
  if (lookup.response) {
    metrics_.CacheHit(request.worker);
    Answer(request, route, started, responder, lookup.response);
  } else {
    metrics_.CacheMiss(request.worker);
    const int worker = request.worker;
    cache.Wait(key, [this, worker, route, started,
                     responder](const std::shared_ptr<const ReadyResponse>& response) {
      metrics_.Observe(worker, route, response->status,
                       std::chrono::duration<double>(Clock::now() - started).count());
      responder->Reply(response);
    });
  }
  if (!lookup.fetch) return;
  const CacheGenerations::Stamp stamp = generations_.Current();
  if (!Admit()) {
    // Waiters get the expired answer if there is one, else the 503.
    metrics_.Shed(request.worker);
    cache.Complete(std::string(key), stamp, domains, busy_);
    return;
  }
  Call call;
  call.route = route;
  call.first = std::string(matched.first);
  call.second = std::string(matched.second);
  call.path = std::string(request.path);
  call.query = std::string(request.query);
  asio::post(backend_pool_, [this, call = std::move(call), key = std::string(key), stamp, domains,
                             responder, &cache]() {
    LowerBackendThreadPriority();
    std::shared_ptr<const ReadyResponse> response = Finish(Run(call));
    Release();
    responder->Post(
        [&cache, key, stamp, domains, response] { cache.Complete(key, stamp, domains, response); });
  });
}

void Gateway::AnswerFromBackends(const HttpRequest& request, const Route& route,
                                 Clock::time_point started,
                                 const std::shared_ptr<Responder>& responder) {
  if (!Admit()) {
    metrics_.Shed(request.worker);
    return Answer(request, route.id, started, responder, busy_);
  }
  Call call = CallOf(request, route);
  const int worker = request.worker;
  asio::post(backend_pool_, [this, call = std::move(call), worker, started, responder]() {
    LowerBackendThreadPriority();
    std::shared_ptr<const ReadyResponse> response = Finish(Run(call));
    Release();
    responder->Post([this, worker, route = call.route, started, responder, response] {
      metrics_.Observe(worker, route, response->status,
                       std::chrono::duration<double>(Clock::now() - started).count());
      responder->Reply(response);
    });
  });
}

void Gateway::StartTickerStream(const HttpRequest& request,
                                const std::shared_ptr<Responder>& responder) {
  std::optional<std::string> section = QueryParam(request.query, "section");
  if (!section && HasQueryParam(request.query, "section")) {
    return responder->Reply(
        Finish(ErrorResponse(400, "INVALID_ARGUMENT", "section is not validly percent-encoded")));
  }
  // A browser's EventSource resends the last id it saw in Last-Event-ID; a
  // client that cannot set headers may put it in the query instead.
  std::string_view last_id_text = Header(request, "Last-Event-ID");
  std::optional<std::string> from_query;
  if (last_id_text.empty() && (from_query = QueryParam(request.query, "lastEventId"))) {
    last_id_text = *from_query;
  }
  std::optional<uint64_t> last_id;
  if (!last_id_text.empty()) last_id = ParseSequence(last_id_text);  // a bad one: a snapshot
  asio::post(backend_pool_, [this, section = section.value_or(""), last_id, responder] {
    absl::StatusOr<TickerFeed*> feed = ticker_.FeedOf(section);
    if (!feed.ok()) return responder->Reply(Finish(ErrorFromStatus(feed.status())));
    responder->Post([feed = *feed, last_id, responder] {
      // The sink is known only once the stream starts; the close hook finds
      // it through this holder.
      auto holder = std::make_shared<std::shared_ptr<SseSink>>();
      std::shared_ptr<SseSink> sink = responder->StartEventStream([feed, holder] {
        if (*holder) feed->Unsubscribe(*holder);
        holder->reset();
      });
      if (!sink) return;
      *holder = sink;
      feed->Subscribe(std::move(sink), last_id);
    });
  });
}

Response Gateway::Run(const Call& call) {
  switch (call.route) {
    case RouteId::kGetArticle:
      return articles_.Get(call);
    case RouteId::kGetArticleBySlug:
      return articles_.GetBySlug(call);
    case RouteId::kListArticles:
      return articles_.List(call);
    case RouteId::kGetRelated:
      return articles_.Related(call);
    case RouteId::kListSections:
      return articles_.Sections(call);
    case RouteId::kGetTag:
      return articles_.Tag(call);
    case RouteId::kCreateArticle:
      return articles_.Create(call);
    case RouteId::kUpdateArticle:
      return articles_.Update(call);
    case RouteId::kPublishArticle:
      return articles_.Publish(call);
    case RouteId::kUnpublishArticle:
      return articles_.Unpublish(call);
    case RouteId::kTakedownArticle:
      return articles_.Takedown(call);
    case RouteId::kImportArticles:
      return articles_.Import(call);
    case RouteId::kGetTicker:
      return ticker_.Get(call);
    case RouteId::kPushTickerItem:
      return ticker_.Push(call);
    case RouteId::kUpdateTickerItem:
      return ticker_.Update(call);
    case RouteId::kRetractTickerItem:
      return ticker_.Retract(call);
    case RouteId::kHomePage:
      return pages_.Home(call);
    case RouteId::kArticlePage:
      return pages_.Article(call);
    case RouteId::kArticleShortLink:
      return pages_.ShortLink(call);
    case RouteId::kSectionPage:
      return pages_.Section(call);
    case RouteId::kTagPage:
      return pages_.Tag(call);
    default:
      break;
  }
  if (call.path.starts_with("/api/")) {
    return ErrorResponse(404, "NOT_FOUND", "there is no such API address; see /openapi.json");
  }
  return pages_.NotFound();
}

}  // namespace akhbar::gateway
