# CMake generated Testfile for 
# Source directory: /work/main/src/economy
# Build directory: /work/main/build/src/economy
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
