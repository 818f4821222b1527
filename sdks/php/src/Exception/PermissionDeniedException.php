<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 403: the key's plan does not allow this (webhooks and custom domains need premium). */
class PermissionDeniedException extends TempMailException
{
}
