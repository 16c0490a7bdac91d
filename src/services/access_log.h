// The access log's use cases (issue 9 item 5): recording a read inside the read's own write
// transaction (RecordAccess, what every read of personal data calls), the sequencer that gives
// queued entries contiguous leaf indexes, appends them to the tiles and signs a tree head in one
// transaction, and what the public routes and the person's page serve (heads, proofs, my entries).
// Thread-safety: stateless functions over a shared Context. SequenceQueued may run on any number
// of servers at once: only one holds the sequencer lock per round, the others skip.
#pragma once

#include <chrono>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/access_log.h"
#include "ports/access_log_repository.h"
#include "services/context.h"

namespace tongban::services {

// The key owner that signs tree heads.
inline const ports::KeyOwner kLogKeyOwner{ports::KeyOwnerKind::kPurpose, "log"};
// The JWS "typ" of a signed tree head.
inline constexpr std::string_view kTreeHeadTyp = "tree-head+jwt";

// Queues `entry` in `tx` (the transaction of the read it records): a fresh salt, the subject
// commitment, the version-1 leaf bytes; time defaults to now. kInvalidArgument
// (error.log.no_subject) for an entry without a subject; the repository's errors otherwise.
Status RecordAccess(const Context& ctx, ports::Transaction& tx, domain::AccessLogEntry entry);

struct SequenceRound {
  bool locked = false;      // false: another server's sequencer held the lock; nothing done
  uint64_t sequenced = 0;   // entries given leaf indexes this round
  uint64_t tree_size = 0;   // the tree size after the round
  bool signed_head = false; // a new head was signed (entries sequenced, or the first, empty head)
};

// What the server's sequencer does every kSequencerInterval: rounds of at most this many entries,
// at most this many rounds (so one run's work stays bounded and a head is signed after every
// round). The interval is short, as Trillian's log signer's (100 ms by default), because a round
// is a write transaction: on SQLite every request that writes (and a pre-fill writes its access-log
// entries) waits behind it, so many small rounds keep a request's wait short where one round a
// second made it wait for a whole second's entries (docs/PERFORMANCE.md "Pre-fill"). A head is
// signed after each round that sequenced entries, so heads come at most ten times a second and
// only while entries arrive; under a backlog the rounds grow to kSequencerBatch.
inline constexpr std::chrono::milliseconds kSequencerInterval{100};
inline constexpr int kSequencerBatch = 2048;
inline constexpr int kSequencerRounds = 64;

// One round in one write transaction: at most `batch` queued entries get leaf indexes, the tiles
// grow, and a head is signed, all committed together (so a head never runs ahead of its tiles and
// leaves). kUnavailable without a log tree or a key store; the store's and key store's errors.
Result<SequenceRound> SequenceOnce(const Context& ctx, int batch);
// Rounds until the queue is empty, another server holds the lock, or `max_rounds` ran; answers
// how many entries it sequenced.
Result<uint64_t> SequenceQueued(const Context& ctx, int batch, int max_rounds);

// The newest signed head. kNotFound (error.log.no_tree_head) before the sequencer's first round.
Result<ports::TreeHead> LatestTreeHead(const Context& ctx);

struct InclusionProof {
  std::string leaf_hash;                // 32 bytes
  std::vector<std::string> audit_path;  // 32 bytes each, nearest the leaf first
};
// Proof that leaf `leaf_index` is in the tree of `tree_size` leaves. kInvalidArgument
// (error.log.bad_range) unless leaf_index < tree_size <= the newest head's size.
Result<InclusionProof> ProveInclusion(const Context& ctx, uint64_t leaf_index, uint64_t tree_size);
// Proof that the tree of `first` leaves is a prefix of the tree of `second`. kInvalidArgument
// (error.log.bad_range) unless first <= second <= the newest head's size.
Result<std::vector<std::string>> ProveConsistency(const Context& ctx, uint64_t first, uint64_t second);

// The signed-in person's entries: those still queued (pending, leaf_index absent) first, then the
// sequenced ones newest first, with the head they are proven against.
struct MyAccessLog {
  std::vector<ports::AccessLogRow> pending;
  std::vector<ports::AccessLogRow> entries;
  std::optional<ports::TreeHead> head;
  std::string next_page_token;  // "" on the last page
  // With `with_proofs`: per entry, its leaf hash and its inclusion proof against `head`.
  std::vector<InclusionProof> proofs;
};
// kInvalidArgument (error.log.page_token) for a page token this did not write. A user without a
// person id (officials) sees an empty log.
Result<MyAccessLog> ListMyAccessLog(const Context& ctx, const Actor& actor, const std::string& page_token,
                                    int limit, bool with_proofs = false);

}  // namespace tongban::services
