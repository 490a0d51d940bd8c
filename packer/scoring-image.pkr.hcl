# Bake a scoring image with the collection's bake playbook (playbooks/bake.yml): the roles of a
# deploy, everything installed, nothing started, no build-time state left. One build, two sources:
#
#   docker.container  a container image from a local base image (Packer's docker builder; Podman
#                     through podman-docker works too). Its command is the runit container init,
#                     which starts nginx and gunicorn at boot and stops them cleanly on TERM.
#   null.vm           any host Packer reaches over SSH, to snapshot afterwards: a VM. For a cloud,
#                     put your builder's source (amazon-ebs, azure-arm, qemu...) in its place.
#
#   packer build -only=docker.container -var-file=packer/example.pkrvars.hcl packer/
#   packer build -only=null.vm -var-file=packer/example.pkrvars.hcl \
#     -var ssh_host=10.0.0.5 -var ssh_username=debian -var ssh_private_key_file=~/.ssh/id_ed25519 packer/

variable "deploy_vars_file" {
  type        = string
  description = "YAML file of the deploy's variables (endpoint_entry_script, endpoint_model_path, endpoint_conda_file, ...), as for ansible-playbook --extra-vars @file."
}

variable "base_image" {
  type        = string
  default     = "docker.io/library/debian:bookworm"
  description = "Image the container is built from."
}

variable "pull_base_image" {
  type        = bool
  default     = true
  description = "Pull base_image first; false for an image built locally."
}

variable "image_repository" {
  type        = string
  default     = "localhost/inferops-scoring"
  description = "Repository the baked container image is tagged into."
}

variable "image_tag" {
  type    = string
  default = "latest"
}

variable "collections_path" {
  type        = string
  default     = ""
  description = "Where Ansible finds inferops.scoring; empty for this checkout's .cache/collections (scripts/bootstrap.sh links it there)."
}

variable "ssh_host" {
  type    = string
  default = "127.0.0.1"
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "ssh_username" {
  type    = string
  default = "debian"
}

variable "ssh_private_key_file" {
  type    = string
  default = "~/.ssh/id_ed25519"
}

locals {
  collections_path = var.collections_path != "" ? var.collections_path : "${path.root}/../.cache/collections"
}

source "docker" "container" {
  image  = var.base_image
  pull   = var.pull_base_image
  commit = true
  changes = [
    # The builder runs the container with --entrypoint=/bin/sh, and a commit would keep it.
    "ENTRYPOINT []",
    "CMD [\"/usr/local/sbin/inferops-runsvdir\"]",
    "STOPSIGNAL SIGTERM",
    "EXPOSE 5001",
  ]
}

source "null" "vm" {
  communicator         = "ssh"
  ssh_host             = var.ssh_host
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_private_key_file
}

build {
  sources = ["source.docker.container", "source.null.vm"]

  # Official Debian and Ubuntu images have no Python, which Ansible needs; a VM has one already.
  provisioner "shell" {
    only   = ["docker.container"]
    inline = ["command -v python3 >/dev/null || (apt-get update && apt-get install -y --no-install-recommends python3)"]
  }

  provisioner "ansible" {
    playbook_file = "${path.root}/../playbooks/bake.yml"
    # The playbooks deploy to the inventory group scoring.
    groups = ["scoring"]
    user   = source.type == "docker" ? "root" : var.ssh_username
    # Over SSH, Ansible talks to the host itself; a container is reached through Packer's proxy.
    use_proxy = source.type == "docker"
    extra_arguments = concat(
      ["--extra-vars", "@${var.deploy_vars_file}"],
      # A container build runs as root, without sudo.
      source.type == "docker" ? ["--extra-vars", "ansible_become=false"] : [],
    )
    ansible_env_vars = [
      "ANSIBLE_COLLECTIONS_PATH=${local.collections_path}",
      # Packer's proxy speaks neither SFTP nor SCP, and offers only an ssh-rsa host key, which
      # OpenSSH no longer accepts by default.
      "ANSIBLE_SSH_TRANSFER_METHOD=piped",
      "ANSIBLE_SSH_ARGS=-o ControlMaster=auto -o ControlPersist=60s -o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa",
      "ANSIBLE_HOST_KEY_CHECKING=False",
    ]
  }

  post-processor "docker-tag" {
    only       = ["docker.container"]
    repository = var.image_repository
    tags       = [var.image_tag]
  }
}
