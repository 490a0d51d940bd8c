# The bundled example (examples/linear), with its requirements file; see example-vars.yml.
deploy_vars_file = "packer/example-vars.yml"
