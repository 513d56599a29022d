#pragma once

// The one way akhbar includes Boost.Beast and Asio. Boost 1.74's asio uses
// std::exchange without including <utility>, which GCC 12 in C++20 mode does
// not pull in by itself: <utility> must come first, so include sorting is
// off here.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace akhbar {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
}  // namespace akhbar
