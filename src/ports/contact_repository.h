// How a person is told besides the inbox (issue 12 item 3): their email address, mobile number,
// the channels they chose and the language of what is sent. Personal data: never logged.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

struct ContactSettings {
  std::string user_id;
  std::string person_id;  // "" for a user without a person (an official, an enterprise agent)
  std::string email;      // "" when not given
  std::string mobile;     // 11 digits, "" when not given
  bool email_on = false;
  bool sms_on = false;
  std::string language = "zh";  // zh | en
  Timestamp updated_at{};
};

class ContactRepository {
 public:
  virtual ~ContactRepository() = default;
  // The user's settings; kNotFound (error.me.no_contact) when they never saved any.
  virtual Result<ContactSettings> GetContactSettings(const std::string& user_id) = 0;
  // Stores the user's settings, replacing earlier ones.
  virtual Status PutContactSettings(const ContactSettings& settings) = 0;
  // The settings of the user who is the person (the latest saved when several are), or nullopt.
  virtual Result<std::optional<ContactSettings>> ContactOfPerson(const std::string& person_id) = 0;
  // The settings of the enterprise's administrator, or nullopt.
  virtual Result<std::optional<ContactSettings>> ContactOfEnterprise(const std::string& credit_code) = 0;
};

}  // namespace tongban::ports
