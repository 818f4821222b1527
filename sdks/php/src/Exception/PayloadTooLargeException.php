<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 413 / 414: the request or the stored message is too large. */
class PayloadTooLargeException extends TempMailException
{
}
