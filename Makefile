# The course's commands. `make lab` opens the course, `make test` runs every test.
# Both install what they need into .venv first, and only when the pins changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.gvr-installed
KERNEL := gvr-course

.PHONY: lab test figures bench student install clean hooks

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
	    --display-name "Python (GAN style transfer for VR)" >/dev/null
	@touch $(STAMP)

# `make lab` opens notebooks/ in JupyterLab. Jupyter refuses to run as root without --allow-root
# (containers and CI run as root), so it is passed only when `id -u` is 0; USER_ID can be overridden
# (`make -n lab USER_ID=1000`). LAB_ARGS passes more options, e.g. headless:
# make lab LAB_ARGS="--no-browser --port=8888 --ServerApp.ip=127.0.0.1"
USER_ID  := $(shell id -u)
LAB_ARGS ?=
lab: install
	$(BIN)/jupyter lab $(if $(filter 0,$(USER_ID)),--allow-root) $(LAB_ARGS) notebooks/

test: install
	GVR_PROFILE=fast $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
	    --durations=15 $(PYTEST_ARGS)

figures: install
	GVR_PROFILE=full GVR_FIGURES_DIR=$(CURDIR)/figures $(BIN)/python tools/run_notebooks.py notebooks

bench: install
	@for b in benchmarks/*.py; do echo "== $$b"; GVR_PROFILE=fast $(BIN)/python $$b || exit 1; done

student: install
	$(BIN)/python tools/make_student.py notebooks build/student

hooks: install
	$(BIN)/nbstripout --install --attributes .gitattributes

clean:
	rm -rf build .pytest_cache

# ------------------------------------------------------------ 07 VR viewer (gvr_helpers.vr.export_viewer)
# tests/test_viewer.py opens the exported page in Debian's headless Chromium. `make test`
# installs it with apt-get when /usr/bin/chromium is missing and we are root; otherwise it
# says so and goes on (the viewer test is then skipped outside CI). `make lab` does not need it.
.PHONY: system
test: system
system:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium (for the viewer test)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	    || echo "warning: apt-get could not install chromium; the viewer test will not run"; \
	else \
	  echo "note: /usr/bin/chromium is missing and apt-get as root is not available: skipping it (the viewer test will be skipped)"; \
	fi

# ------------------------------------------------------------ 05 unpaired: shipped translators
# Trains the translators in data/checkpoints/ (full profile; resumable) and writes their manifest.
.PHONY: checkpoints
checkpoints: install
	GVR_PROFILE=full $(BIN)/python tools/train_checkpoints.py $(CHECKPOINT_ARGS)
