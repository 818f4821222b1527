<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** waitForMessage() saw no matching message before its timeout. */
class WaitTimeoutException extends TempMailException
{
}
