// Reads on someone's behalf under a purpose of their own (services/data_access.h): what a clerk at
// a comprehensive window reads for the person of their visit (services/window_prefill.h) is
// recorded with the visit as its purpose instead of the item's code. Implemented in
// data_access.cc, beside ReadForItem.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "services/data_access.h"

namespace tongban::services {

// ReadForItem, every access-log entry of it recorded with `purpose` (e.g. "window_visit:<id>")
// instead of the item's code. The errors of ReadForItem.
Result<ItemRead> ReadForItemFor(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                                const domain::ServiceItem& item, const DataSubject& subject,
                                const ReadRequest& request, const std::string& purpose);

// The calls to departments' own systems ReadForItem of the same arguments needs (run them with
// FetchExternal before the transaction that reads). The store's errors.
Result<std::vector<ExternalCall>> ReadExternalCalls(const Context& ctx, ports::Transaction& tx,
                                                    const domain::ServiceItem& item, const DataSubject& subject,
                                                    const ReadRequest& request = {});

}  // namespace tongban::services
