#pragma once
// The error a call throws, for the tests' expectations: its stable code or its message.
#include <catch2/catch.hpp>

#include <string>

#include "rapport/error.hpp"

template <class F>
rapport::ErrorCode code_of(F&& f) {
  try {
    f();
  } catch (const rapport::Error& e) {
    return e.code();
  }
  FAIL("expected a rapport::Error");
  return rapport::ErrorCode{};
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const rapport::Error& e) {
    return e.what();
  }
  FAIL("expected a rapport::Error");
  return {};
}
