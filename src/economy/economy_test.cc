#include "economy/economy.h"
#include <gtest/gtest.h>
TEST(Economy, Placeholder) {}
