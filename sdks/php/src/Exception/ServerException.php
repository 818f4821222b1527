<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 5xx: the service failed or is unavailable. */
class ServerException extends TempMailException
{
}
