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

# The demo's external dataset (medical_insurance) is served by the stand-in department server
# beside the platform (docs/operations.md); it stops with the server.
DEPT_LISTEN ?= 127.0.0.1:8091
run: build
	@mkdir -p var
	@$(BUILD)/tongban dept-source --dataset medical_insurance --listen $(DEPT_LISTEN) --db sqlite:$(DB) \
	  --jwks-url http://$(LISTEN)/.well-known/jwks.json & dept=$$!; \
	  trap 'kill $$dept 2>/dev/null' EXIT INT TERM; \
	  $(BUILD)/tongban serve --db sqlite:$(DB) --listen $(LISTEN) --demo \
	    --data-source medical_insurance=http://$(DEPT_LISTEN)/records/medical_insurance

test: build
	@scripts/run-tests.sh $(BUILD)

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
