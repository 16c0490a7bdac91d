// `tongban demo generate` (issue 9 item 2): a consistent synthetic city written into the
// datasets' records: persons with valid resident ids (GB 11643) of the demo districts, households
// (children in their parents' household, now and then an elderly parent), births recorded under
// the mother, marriages on both sides, employment, social and medical insurance, provident fund,
// social security cards, and enterprises (GB 32100 credit codes) whose legal representatives are
// generated persons. The demo accounts' own people come first, with data that makes the demo
// sensible (a married couple with a newborn and an elderly father; an enterprise agent who
// represents the demo enterprise). Deterministic for a seed and a date.
// Thread-safety: call from one thread; it writes through the store in large batches.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "services/context.h"

namespace tongban::app {

struct CityOptions {
  int64_t persons = 0;      // generated persons besides the demo accounts' people
  int64_t enterprises = 0;  // generated enterprises besides the demo enterprise
  uint64_t seed = 1;
  Date today{2026, 1, 1};   // birth dates and as-of times are relative to it
  size_t batch_records = 50000;  // records per write transaction
};

struct CityStats {
  int64_t persons = 0;
  int64_t enterprises = 0;
  int64_t records = 0;
};

// Called after each batch is written, with the totals so far.
using CityProgress = std::function<void(const CityStats&)>;

// Writes the city. kConflict when the datasets already hold one of its records (generate into an
// empty database); the store's errors otherwise. Batches already written stay.
Result<CityStats> GenerateCity(const services::Context& ctx, const CityOptions& options,
                               const CityProgress& progress = {});

// Whether the population dataset holds any record: `serve --demo` generates a small city when not.
Result<bool> CityExists(const services::Context& ctx);

}  // namespace tongban::app
