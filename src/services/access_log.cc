#include "services/access_log.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

namespace tongban::services {
namespace {

Error Unavailable() { return MakeError(ErrorCode::kUnavailable, "error.log.unavailable"); }

std::string HeadPayload(const ports::LogTree& tree, uint64_t size, const std::string& root, int64_t timestamp_ms) {
  return "{\"tree_size\":" + std::to_string(size) + ",\"root_hash\":\"" + tree.Base64(root) +
         "\",\"timestamp\":" + std::to_string(timestamp_ms) + "}";
}

Error BadRange() { return MakeError(ErrorCode::kInvalidArgument, "error.log.bad_range"); }

}  // namespace

Status RecordAccess(const Context& ctx, ports::Transaction& tx, domain::AccessLogEntry entry) {
  if (entry.subject_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.log.no_subject");
  if (entry.time == Timestamp{}) entry.time = ctx.clock->Now();
  ports::AccessLogRow row;
  row.id = ctx.ids->NewId();
  row.subject_id = entry.subject_id;
  row.subject_salt = ctx.ids->NewToken();
  const std::string commitment =
      ctx.hasher->Sha256Hex(domain::SubjectCommitmentInput(row.subject_salt, entry.subject_id));
  row.leaf = domain::EncodeAccessLogLeaf(entry, commitment);
  row.queued_at = entry.time;
  return tx.access_log().EnqueueAccessLogRow(row);
}

Result<SequenceRound> SequenceOnce(const Context& ctx, int batch) {
  if (ctx.log_tree == nullptr || ctx.keys == nullptr) return Unavailable();
  const ports::LogTree& tree = *ctx.log_tree;
  SequenceRound round;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    round = SequenceRound{};
    auto& log = tx.access_log();
    TB_ASSIGN_OR_RETURN(round.locked, log.TryLockSequencer());
    if (!round.locked) return Ok();
    // Read after taking the lock: the previous sequencer's commit is visible.
    uint64_t size = 0;
    bool has_head = true;
    auto latest = log.LatestTreeHead();
    if (latest.ok()) {
      size = latest->tree_size;
    } else if (latest.error().code == ErrorCode::kNotFound) {
      has_head = false;
    } else {
      return latest.take_error();
    }
    TB_ASSIGN_OR_RETURN(const std::vector<ports::AccessLogRow> rows, log.SequenceOldest(size, batch));
    round.tree_size = size;
    if (rows.empty() && has_head) return Ok();
    std::vector<std::string> hashes;
    hashes.reserve(rows.size());
    for (const auto& row : rows) hashes.push_back(tree.LeafHash(row.leaf));
    std::string root;
    if (rows.empty()) {
      TB_ASSIGN_OR_RETURN(root, tree.RootHash(log, size));
    } else {
      TB_ASSIGN_OR_RETURN(root, tree.Append(log, size, hashes));
    }
    ports::TreeHead head;
    head.tree_size = size + rows.size();
    head.root_hash = root;
    head.timestamp_ms = static_cast<int64_t>(ctx.clock->Now().time_since_epoch().count()) * 1000;
    if (latest.ok() && head.timestamp_ms < latest->timestamp_ms) head.timestamp_ms = latest->timestamp_ms;
    TB_ASSIGN_OR_RETURN(head.signed_jws, ctx.keys->Sign(tx, kLogKeyOwner,
                                                        HeadPayload(tree, head.tree_size, root, head.timestamp_ms),
                                                        kTreeHeadTyp));
    TB_RETURN_IF_ERROR(log.InsertTreeHead(head));
    round.sequenced = rows.size();
    round.tree_size = head.tree_size;
    round.signed_head = true;
    return Ok();
  }));
  return round;
}

Result<uint64_t> SequenceQueued(const Context& ctx, int batch, int max_rounds) {
  uint64_t total = 0;
  for (int i = 0; i < max_rounds; ++i) {
    TB_ASSIGN_OR_RETURN(const SequenceRound round, SequenceOnce(ctx, batch));
    total += round.sequenced;
    if (!round.locked || round.sequenced < static_cast<uint64_t>(batch)) break;
  }
  return total;
}

Result<ports::TreeHead> LatestTreeHead(const Context& ctx) {
  ports::TreeHead head;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(head, tx.access_log().LatestTreeHead());
    return Ok();
  }));
  return head;
}

Result<InclusionProof> ProveInclusion(const Context& ctx, uint64_t leaf_index, uint64_t tree_size) {
  if (ctx.log_tree == nullptr) return Unavailable();
  if (leaf_index >= tree_size) return BadRange();
  InclusionProof out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto& log = tx.access_log();
    auto head = log.LatestTreeHead();
    if (!head.ok() && head.error().code != ErrorCode::kNotFound) return head.take_error();
    if (!head.ok() || tree_size > head->tree_size) return BadRange();
    TB_ASSIGN_OR_RETURN(const ports::AccessLogRow leaf, log.GetLeaf(leaf_index));
    out.leaf_hash = ctx.log_tree->LeafHash(leaf.leaf);
    TB_ASSIGN_OR_RETURN(out.audit_path, ctx.log_tree->InclusionProof(log, leaf_index, tree_size));
    return Ok();
  }));
  return out;
}

Result<std::vector<std::string>> ProveConsistency(const Context& ctx, uint64_t first, uint64_t second) {
  if (ctx.log_tree == nullptr) return Unavailable();
  if (first > second) return BadRange();
  std::vector<std::string> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto& log = tx.access_log();
    auto head = log.LatestTreeHead();
    if (!head.ok() && head.error().code != ErrorCode::kNotFound) return head.take_error();
    if (!head.ok() || second > head->tree_size) return BadRange();
    TB_ASSIGN_OR_RETURN(out, ctx.log_tree->ConsistencyProof(log, first, second));
    return Ok();
  }));
  return out;
}

Result<MyAccessLog> ListMyAccessLog(const Context& ctx, const Actor& actor, const std::string& page_token,
                                    int limit, bool with_proofs) {
  if (with_proofs && ctx.log_tree == nullptr) return Unavailable();
  uint64_t before = std::numeric_limits<int64_t>::max();
  if (!page_token.empty()) {
    uint64_t parsed = 0;
    const auto [end, ec] = std::from_chars(page_token.data(), page_token.data() + page_token.size(), parsed);
    if (ec != std::errc() || end != page_token.data() + page_token.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "error.log.page_token");
    }
    before = parsed;
  }
  const int page = std::clamp(limit, 1, ports::kMaxAccessLogPage);
  MyAccessLog out;
  const std::string& subject = actor.user.person_id;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    out = MyAccessLog{};
    auto& log = tx.access_log();
    auto head = log.LatestTreeHead();
    if (head.ok()) {
      out.head = std::move(head).value();
    } else if (head.error().code != ErrorCode::kNotFound) {
      return head.take_error();
    }
    if (subject.empty()) return Ok();
    if (page_token.empty()) {
      TB_ASSIGN_OR_RETURN(out.pending, log.ListSubjectQueued(subject, page));
    }
    TB_ASSIGN_OR_RETURN(out.entries, log.ListSubjectLeaves(subject, before, page + 1));
    // Entries sequenced after the head was read (the read sees one snapshot, so none) would have
    // no proof yet: the listing is of the snapshot.
    if (out.entries.size() > static_cast<size_t>(page)) {
      out.entries.resize(page);
      out.next_page_token = std::to_string(*out.entries.back().leaf_index);
    }
    if (!with_proofs || !out.head) return Ok();
    for (const auto& row : out.entries) {
      InclusionProof proof;
      proof.leaf_hash = ctx.log_tree->LeafHash(row.leaf);
      TB_ASSIGN_OR_RETURN(proof.audit_path, ctx.log_tree->InclusionProof(log, *row.leaf_index, out.head->tree_size));
      out.proofs.push_back(std::move(proof));
    }
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
