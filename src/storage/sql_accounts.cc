#include "storage/sql_accounts.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using domain::AgentGrant;
using domain::Enterprise;
using domain::Person;
using domain::User;

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, username, password_hash, kind, roles, person_id, display_name, department, centre,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kSelectUserById =
    "SELECT id, username, password_hash, kind, roles, person_id, display_name, department, centre, created_at"
    " FROM users WHERE id = $1";
constexpr std::string_view kSelectUserByUsername =
    "SELECT id, username, password_hash, kind, roles, person_id, display_name, department, centre, created_at"
    " FROM users WHERE username = $1";

// The officials of a department, for assigning a case to a colleague (index users_department).
constexpr std::string_view kSelectUsersOfDepartment =
    "SELECT id, username, password_hash, kind, roles, person_id, display_name, department, centre, created_at"
    " FROM users WHERE department = $1 ORDER BY id LIMIT $2";

constexpr std::string_view kInsertPerson = "INSERT INTO persons (id, name, phone) VALUES ($1, $2, $3)";
constexpr std::string_view kSelectPerson = "SELECT id, name, phone FROM persons WHERE id = $1";

constexpr std::string_view kInsertEnterprise =
    "INSERT INTO enterprises (code, name, admin_user_id) VALUES ($1, $2, $3)";
constexpr std::string_view kSelectEnterprise = "SELECT code, name, admin_user_id FROM enterprises WHERE code = $1";

constexpr std::string_view kUpsertAgentGrant =
    "INSERT INTO agent_grants (enterprise, user_id, may_apply, may_withdraw, items) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (enterprise, user_id) DO UPDATE SET may_apply = excluded.may_apply,"
    " may_withdraw = excluded.may_withdraw, items = excluded.items";
constexpr std::string_view kSelectAgentGrant =
    "SELECT enterprise, user_id, may_apply, may_withdraw, items FROM agent_grants"
    " WHERE enterprise = $1 AND user_id = $2";
constexpr std::string_view kSelectAgentGrantsOfUser =
    "SELECT enterprise, user_id, may_apply, may_withdraw, items FROM agent_grants"
    " WHERE user_id = $1 ORDER BY enterprise";

// The agents of an enterprise, by user id, in pages (the primary key (enterprise, user_id) is the index).
constexpr std::string_view kSelectAgentGrantsOfEnterprise =
    "SELECT enterprise, user_id, may_apply, may_withdraw, items FROM agent_grants"
    " WHERE enterprise = $1 AND user_id > $2 ORDER BY user_id LIMIT $3";

Result<User> ReadUser(Statement& statement) {
  Columns c(statement);
  User user;
  user.id = c.Text();
  user.username = c.Text();
  user.password_hash = c.Text();
  const std::string kind = c.Text();
  const std::optional<domain::UserKind> parsed_kind = domain::ParseUserKind(kind);
  if (!parsed_kind) return Corrupt("unknown user kind '" + kind + "'");
  user.kind = *parsed_kind;
  TB_ASSIGN_OR_RETURN(user.roles, ParseRoles(c.Text()));
  user.person_id = c.Text();
  user.display_name = c.Text();
  user.department = c.Text();
  user.centre = c.Text();
  user.created_at = FromSeconds(c.Int());
  return user;
}

Result<Person> ReadPerson(Statement& statement) {
  Columns c(statement);
  Person person;
  person.id = c.Text();
  person.name = c.Text();
  person.phone = c.Text();
  return person;
}

Result<Enterprise> ReadEnterprise(Statement& statement) {
  Columns c(statement);
  Enterprise enterprise;
  enterprise.code = c.Text();
  enterprise.name = c.Text();
  enterprise.admin_user_id = c.Text();
  return enterprise;
}

Result<AgentGrant> ReadGrant(Statement& statement) {
  Columns c(statement);
  AgentGrant grant;
  grant.enterprise = c.Text();
  grant.user_id = c.Text();
  grant.may_apply = c.Bool();
  grant.may_withdraw = c.Bool();
  TB_ASSIGN_OR_RETURN(grant.items, ParseStringList(c.Text(), "agent_grants.items"));
  return grant;
}

}  // namespace

Status SqlAccounts::InsertUser(const User& user) {
  TB_ASSIGN_OR_RETURN(const std::string roles, RolesJson(user.roles));
  return sql_.Run(kInsertUser,
               [&](Binder& b) {
                 b.Text(user.id)
                     .Text(user.username)
                     .Text(user.password_hash)
                     .Text(domain::UserKindName(user.kind))
                     .Text(roles)
                     .OptionalText(user.person_id)
                     .Text(user.display_name)
                     .OptionalText(user.department)
                     .OptionalText(user.centre)
                     .Int(Seconds(user.created_at));
               });
}

Result<std::vector<User>> SqlAccounts::ListUsersOfDepartment(const std::string& department, int limit) {
  return sql_.All<User>(kSelectUsersOfDepartment, [&](Binder& b) { b.Text(department).Int(std::max(1, limit)); },
                        ReadUser);
}

Result<User> SqlAccounts::GetUser(const std::string& id) {
  return sql_.One<User>(kSelectUserById, [&](Binder& b) { b.Text(id); }, "error.user.not_found", ReadUser);
}

Result<User> SqlAccounts::FindUserByUsername(const std::string& username) {
  return sql_.One<User>(kSelectUserByUsername, [&](Binder& b) { b.Text(username); }, "error.user.not_found",
                        ReadUser);
}

Status SqlAccounts::InsertPerson(const Person& person) {
  return sql_.Run(kInsertPerson, [&](Binder& b) { b.Text(person.id).Text(person.name).Text(person.phone); });
}

Result<Person> SqlAccounts::GetPerson(const std::string& id) {
  return sql_.One<Person>(kSelectPerson, [&](Binder& b) { b.Text(id); }, "error.person.not_found", ReadPerson);
}

Status SqlAccounts::InsertEnterprise(const Enterprise& enterprise) {
  return sql_.Run(kInsertEnterprise,
               [&](Binder& b) {
                 b.Text(enterprise.code).Text(enterprise.name).OptionalText(enterprise.admin_user_id);
               });
}

Result<Enterprise> SqlAccounts::GetEnterprise(const std::string& code) {
  return sql_.One<Enterprise>(kSelectEnterprise, [&](Binder& b) { b.Text(code); }, "error.enterprise.not_found",
                              ReadEnterprise);
}

Status SqlAccounts::PutAgentGrant(const AgentGrant& grant) {
  TB_ASSIGN_OR_RETURN(const std::string items, StringListJson(grant.items, "an item code"));
  return sql_.Run(kUpsertAgentGrant,
               [&](Binder& b) {
                 b.Text(grant.enterprise)
                     .Text(grant.user_id)
                     .Bool(grant.may_apply)
                     .Bool(grant.may_withdraw)
                     .Text(items);
               });
}

Result<AgentGrant> SqlAccounts::GetAgentGrant(const std::string& enterprise, const std::string& user_id) {
  return sql_.One<AgentGrant>(kSelectAgentGrant, [&](Binder& b) { b.Text(enterprise).Text(user_id); },
                              "error.agent_grant.not_found", ReadGrant);
}

Result<std::vector<AgentGrant>> SqlAccounts::ListAgentGrantsOfUser(const std::string& user_id) {
  return sql_.All<AgentGrant>(kSelectAgentGrantsOfUser, [&](Binder& b) { b.Text(user_id); }, ReadGrant);
}

Result<std::vector<AgentGrant>> SqlAccounts::ListAgentGrantsOfEnterprise(const std::string& enterprise,
                                                                       const std::string& after_user_id, int limit) {
  return sql_.All<AgentGrant>(kSelectAgentGrantsOfEnterprise,
                              [&](Binder& b) { b.Text(enterprise).Text(after_user_id).Int(limit); }, ReadGrant);
}

}  // namespace tongban::storage
