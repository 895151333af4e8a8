"""A lesson with no mistakes, for the content-error tests to break one thing at a time."""
from __future__ import annotations

GOOD = """\
id: good
title: {zh: 好课, en: A good lesson}
bands: [9-11]
zone: learning
topic: test
minutes: 5
steps:
  - id: hello
    type: story
    text: 你好！
  - id: q1
    type: quiz
    question: 十八周岁是成年人吗？
    options:
      - {id: a, text: 是}
      - {id: b, text: 不是}
    answer: a
    explanation: 十八周岁以上是成年人。
    basis: {law: 民法典, article: 第十七条}
"""
