// How an inbox message (ports::Message) reads in a language: the text of "message.<kind>" from
// web/i18n with its parameters put in ({licence_type} and {item} as the catalogue names them,
// {reference} as is) and, when the message has a reason, "message.reason" after it; and where
// the message points (the application's or the licence's page).
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "domain/catalogue.h"
#include "http/i18n.h"
#include "ports/message_repository.h"

namespace tongban::http {

// The message's parameters (its params JSON object); empty when the JSON is not an object.
std::map<std::string, std::string> MessageParamsOf(const ports::Message& message);
std::string MessageText(const Translator& i18n, const domain::Catalogue* catalogue, domain::Language lang,
                        const ports::Message& message);
// "/applications/<id>" or "/licences/<id>"; "" for another reference kind.
std::string MessageHref(const ports::Message& message);

}  // namespace tongban::http
