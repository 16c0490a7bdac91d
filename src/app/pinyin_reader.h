// Reads pinyin.yaml: the readings of the Chinese characters of item and bundle names and aliases,
// for search by pinyin (domain/search.h). Internal to src/app: the catalogue loader calls it.
// Thread-safety: keeps no state; the objects passed in belong to one load.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/yaml_checks.h"

namespace tongban::app {

// Fills `pinyin` (one UTF-8 character -> its readings, lower case without tones) from the file,
// reporting each problem at its line; answers whether the whole table was read without one.
bool ReadPinyin(yaml_checks::FileContext& file, std::map<std::string, std::vector<std::string>, std::less<>>& pinyin);

}  // namespace tongban::app
