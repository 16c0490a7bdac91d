#include <gtest/gtest.h>
TEST(PlaceholderTest, Builds) { SUCCEED(); }
