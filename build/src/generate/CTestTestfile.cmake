# CMake generated Testfile for 
# Source directory: /work/main/src/generate
# Build directory: /work/main/build/src/generate
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
