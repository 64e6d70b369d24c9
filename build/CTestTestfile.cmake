# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("src/common")
subdirs("src/agreement")
subdirs("src/claims")
subdirs("src/settlement")
subdirs("src/economy")
subdirs("src/generate")
subdirs("src/server")
subdirs("src/cli")
subdirs("tests")
