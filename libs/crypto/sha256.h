#pragma once

#include <string>
#include <string_view>

namespace akhbar::crypto {

// Lower-case hex SHA-256 of `data` (OpenSSL's implementation).
std::string Sha256Hex(std::string_view data);

}  // namespace akhbar::crypto
