# CMake generated Testfile for 
# Source directory: /work/main/src/agreement
# Build directory: /work/main/build/src/agreement
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/src/agreement/almen_agreement_test[1]_include.cmake")
