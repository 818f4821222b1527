<?php

declare(strict_types=1);

namespace TempMailTests;

/** Thrown by Harness::skip(). */
final class Skip extends \RuntimeException
{
}
