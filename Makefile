# Two commands do all the set-up: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= 2
DB ?= var/tongban.db
LISTEN ?= 127.0.0.1:8080

.PHONY: run test deps build build-debug unit api browser bench clean

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

build: deps $(BUILD)/build.ninja
	@cmake --build $(BUILD) -j $(JOBS) | grep -vE '^\[[0-9]+/[0-9]+\] ' || true
	@test -x $(BUILD)/tongban

run: build
	@mkdir -p var
	@$(BUILD)/tongban serve --db sqlite:$(DB) --listen $(LISTEN) --demo

test: build
	@scripts/run-tests.sh $(BUILD)

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
