#include "common/result.h"

#include <array>

#include "common/enum_names.h"

namespace tongban {
namespace {

constexpr std::array kErrorCodeNames = {
    EnumName<ErrorCode>{ErrorCode::kInvalidArgument, "invalid_argument"},
    EnumName<ErrorCode>{ErrorCode::kUnauthenticated, "unauthenticated"},
    EnumName<ErrorCode>{ErrorCode::kPermissionDenied, "permission_denied"},
    EnumName<ErrorCode>{ErrorCode::kNotFound, "not_found"},
    EnumName<ErrorCode>{ErrorCode::kConflict, "conflict"},
    EnumName<ErrorCode>{ErrorCode::kPayloadTooLarge, "payload_too_large"},
    EnumName<ErrorCode>{ErrorCode::kResourceExhausted, "resource_exhausted"},
    EnumName<ErrorCode>{ErrorCode::kUnavailable, "unavailable"},
    EnumName<ErrorCode>{ErrorCode::kInternal, "internal"},
};

}  // namespace

const char* ErrorCodeName(ErrorCode code) { return NameOf(kErrorCodeNames, code); }
std::optional<ErrorCode> ParseErrorCode(std::string_view name) { return ValueOf(kErrorCodeNames, name); }

}  // namespace tongban
