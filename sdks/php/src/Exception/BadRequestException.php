<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 400: a parameter is missing or invalid. */
class BadRequestException extends TempMailException
{
}
