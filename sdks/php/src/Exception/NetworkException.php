<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** No HTTP answer: the PSR-18 client failed (connection refused, DNS, timeout, ...). */
class NetworkException extends TempMailException
{
}
