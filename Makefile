# The two commands of a fresh machine (see README.md):
#   make run    install and run the platform
#   make test   install and run the whole test suite
.PHONY: run test
run:
	@scripts/run.sh $(ARGS)
test:
	@scripts/test.sh $(ARGS)
